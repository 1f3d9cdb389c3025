/**
 * An authenticated session: the signed client plus the token manager. A call whose token the
 * platform rejects gets one renewed token and one more try; a second rejection is an
 * authorisation problem, reported as such.
 */
import type {Logger} from "../logger.js";
import {DoudianClient, type ApiResponse} from "./client.js";
import {DoudianApiError} from "./errors.js";
import {TokenBucket, realSleep, type Sleep} from "./rateLimit.js";
import {Redactor, defaultTokenFile, type ApiConfig, type ApiSecrets} from "./settings.js";
import {TokenManager, TokenStore} from "./tokens.js";

export interface SessionDeps {
  logger: Logger;
  env?: Record<string, string | undefined>;
  now?: () => Date;
  sleep?: Sleep;
  random?: () => number;
  fetch?: typeof fetch;
}

export class ApiSession {
  constructor(
    readonly client: DoudianClient,
    readonly tokens: TokenManager,
    readonly redactor: Redactor,
  ) {}

  async call(path: string, params: object): Promise<ApiResponse> {
    const token = await this.tokens.accessToken();
    try {
      return await this.client.call(path, params, token);
    } catch (error) {
      if (!(error instanceof DoudianApiError) || error.kind !== "token") throw error;
      const renewed = await this.tokens.renew(token);
      try {
        return await this.client.call(path, params, renewed);
      } catch (again) {
        if (again instanceof DoudianApiError && again.kind === "token")
          throw new DoudianApiError(
            "authorization",
            again.method,
            {
              code: again.code,
              subCode: again.subCode,
              msg: again.platformMessage,
              subMsg: null,
              httpStatus: 200,
            },
            {note: "a freshly issued access token was rejected too: re-authorise the app for the shop"},
          );
        throw again;
      }
    }
  }
}

export function openSession(secrets: ApiSecrets, config: ApiConfig, deps: SessionDeps): ApiSession {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const redactor = new Redactor();
  redactor.add(secrets.appSecret, secrets.authCode);
  const client = new DoudianClient({
    gateway: secrets.gateway,
    appKey: secrets.appKey,
    appSecret: secrets.appSecret,
    signMethod: config.signMethod,
    bucket: new TokenBucket(config.qps, config.burst, () => now().getTime(), sleep),
    maxAttempts: config.maxAttempts,
    backoff: {
      baseMs: config.backoffMs,
      maxMs: config.maxBackoffMs,
      ...(deps.random ? {random: deps.random} : {}),
    },
    timeoutMs: config.timeoutMs,
    now,
    sleep,
    logger: deps.logger,
    redactor,
    ...(deps.fetch ? {fetch: deps.fetch} : {}),
  });
  const store = new TokenStore(config.tokenFile ?? defaultTokenFile(deps.env ?? process.env), deps.logger);
  const tokens = new TokenManager({
    client,
    store,
    appKey: secrets.appKey,
    appType: config.appType,
    shopId: secrets.shopId,
    authCode: secrets.authCode,
    now,
    marginSeconds: config.tokenRefreshMarginMinutes * 60,
    logger: deps.logger,
    redactor,
  });
  return new ApiSession(client, tokens, redactor);
}
