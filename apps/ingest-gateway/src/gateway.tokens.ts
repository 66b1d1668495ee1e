/** Nest injection token of the frozen GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
