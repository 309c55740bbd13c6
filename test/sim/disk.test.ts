import { describe, expect, it } from 'vitest';
import { Disk } from '../../src/sim/disk.js';

describe('Disk', () => {
  it('keeps appended entries until a power loss takes the unflushed suffix', () => {
    const disk = new Disk();
    const log = disk.log<number>('p-0');
    log.append(1);
    log.append(2);
    log.flush();
    log.append(3);
    expect(log.length).toBe(3);
    expect(log.unflushed).toBe(1);
    expect(disk.powerLoss()).toEqual(new Map([['p-0', 1]]));
    expect(disk.log<number>('p-0').slice()).toEqual([1, 2]);
    expect(disk.powerLoss().size).toBe(0);
  });

  it('treats truncation as durable: a power loss never brings a truncated suffix back', () => {
    const log = new Disk().log<string>('x');
    for (const v of ['a', 'b', 'c', 'd']) log.append(v);
    log.flush();
    log.truncate(2);
    expect(log.flushed).toBe(2);
    log.append('e');
    log.loseUnflushed();
    expect(log.slice()).toEqual(['a', 'b']);
    expect(() => log.truncate(-1)).toThrow();
    log.truncate(10);
    expect(log.length).toBe(2);
    expect(log.at(1)).toBe('b');
  });

  it('writes whole files durably and atomically', () => {
    const disk = new Disk();
    disk.writeFile('replication-offset-checkpoint', { hw: 5 });
    disk.log('l').append(1);
    disk.powerLoss();
    expect(disk.readFile('replication-offset-checkpoint')).toEqual({ hw: 5 });
    expect(disk.fileNames()).toEqual(['replication-offset-checkpoint']);
    disk.deleteFile('replication-offset-checkpoint');
    expect(disk.readFile('replication-offset-checkpoint')).toBeUndefined();
    expect(disk.logNames()).toEqual(['l']);
    disk.deleteLog('l');
    expect(disk.hasLog('l')).toBe(false);
  });
});
