export * from './problem.exception';
export * from './problem.filter';
export * from './http-app';
