/** Nest injection token of the frozen LifecycleConfig. */
export const LIFECYCLE_CONFIG = Symbol('LIFECYCLE_CONFIG');
