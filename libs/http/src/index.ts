export * from './problem.exception';
export * from './problem.filter';
export * from './http-app';
export * from './body-budget';
export * from './body-reader';
export * from './raw-bodies';
