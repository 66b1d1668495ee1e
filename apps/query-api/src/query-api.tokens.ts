/** Nest injection token of the frozen QueryConfig. */
export const QUERY_CONFIG = Symbol('QUERY_CONFIG');
