/** Znode path rules, as ZooKeeper's PathUtils.validatePath and PrepRequestProcessor apply them. */

/** Why `path` is not a valid znode path, or undefined if it is. */
export function invalidPathReason(path: string): string | undefined {
  if (path.length === 0) return 'path length must be > 0';
  if (path[0] !== '/') return 'path must start with / character';
  if (path.length === 1) return undefined;
  if (path[path.length - 1] === '/') return 'path must not end with / character';
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '') return 'empty node name';
    if (segment === '.' || segment === '..') return 'relative paths not allowed';
  }
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const invalid =
      c === 0 ||
      (c > 0x00 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      c >= 0xfff0;
    if (invalid) return `invalid character @${i}`;
  }
  return undefined;
}

export function isValidPath(path: string): boolean {
  return invalidPathReason(path) === undefined;
}

/** The parent of a non-root path (`/a/b` → `/a`, `/a` → `/`). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The last segment of a path. */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A sequential node's suffix: the parent's cversion, 10 digits, zero-padded (PrepRequestProcessor, `%010d`). */
export function sequenceSuffix(parentCversion: number): string {
  return String(parentCversion).padStart(10, '0');
}

/** The number of bytes `data` takes in UTF-8, as ZooKeeper counts a znode's dataLength. */
export function utf8Length(data: string | null): number {
  if (data === null) return 0;
  let bytes = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < data.length) {
      const next = data.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
