/** Nest injection token of the frozen SummarizerConfig. */
export const SUMMARIZER_CONFIG = Symbol('SUMMARIZER_CONFIG');
