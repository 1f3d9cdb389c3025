/** The 抖店 open-platform pull: the public surface (see pull.ts for how it works). */
export {pullApi, type PullOptions, type PullSummary, type EndpointSummary} from "./pull.js";
export {registerPullCommand, printPull, type PullCommandDeps} from "./command.js";
export {
  normalizeApiConfig,
  DEFAULT_API_CONFIG,
  loadApiSecrets,
  defaultTokenFile,
  redact,
  API_ENDPOINTS,
  PRODUCTION_GATEWAY,
  SANDBOX_GATEWAY,
  type ApiConfig,
  type ApiEndpoint,
  type ApiSecrets,
  type AppType,
} from "./settings.js";
export {sign, signString, sortedJson, methodOf, type SignMethod} from "./sign.js";
export {DoudianApiError, type ApiErrorKind} from "./errors.js";
export {DoudianClient} from "./client.js";
export {ApiSession, openSession} from "./session.js";
export {TokenManager, TokenStore, type StoredToken} from "./tokens.js";
export {fenToYuan, beijingTime} from "./values.js";
export {parseLossless, stringifyLossless} from "./json.js";
export {mapAfterSale, mapOrder, specText} from "./mapping.js";
