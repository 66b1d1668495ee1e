/** Nest injection token of the frozen WriterConfig. */
export const WRITER_CONFIG = Symbol('WRITER_CONFIG');
