/**
 * What the benchmark ran on: printed at the top of every report, stored in `--json`.
 */
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';

/** The machine and runtime. `memoryGb` is total RAM in GiB; `loadAverage` is the 1/5/15-minute load at start. */
export interface MachineInfo {
  date: string;
  cores: number;
  cpuModel: string;
  memoryGb: number;
  platform: string;
  arch: string;
  node: string;
  loadAverage: number[];
}

/** Read the machine info now. */
export function machineInfo(now = new Date()): MachineInfo {
  const cpu = cpus();
  return {
    date: now.toISOString(),
    cores: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${release()}`,
    arch: arch(),
    node: process.version,
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
