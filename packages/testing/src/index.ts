export * from './bench.ts';
export * from './free-port.ts';
export * from './server-process.ts';
export * from './servers.ts';
export * from './tcp-proxy.ts';
