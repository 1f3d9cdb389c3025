/**
 * One signed call to the 抖店 open platform, paced by the token bucket and retried with backoff on
 * throttling and transient failures. Transport as in the official SDK (domain.md §2.1): POST to
 * `<gateway>/<path>`, common parameters in the query string, `param_json` as the JSON body, header
 * `x-open-no-old-err-code: 1`. Responses are parsed losslessly. No message that leaves this module
 * contains a URL, a token or the secret.
 */
import type {Logger} from "../logger.js";
import {DoudianApiError, SUCCESS_CODE, classify, type Envelope} from "./errors.js";
import {asObject, integerText, parseLossless, textOf, type JsonObject, type JsonValue} from "./json.js";
import {TokenBucket, backoffDelay, type BackoffOptions, type Sleep} from "./rateLimit.js";
import type {Redactor} from "./settings.js";
import {methodOf, sign, sortedJson, type SignMethod} from "./sign.js";

export interface ClientOptions {
  gateway: string;
  appKey: string;
  appSecret: string;
  signMethod: SignMethod;
  bucket: TokenBucket;
  maxAttempts: number;
  backoff: BackoffOptions;
  timeoutMs: number;
  now: () => Date;
  sleep: Sleep;
  logger: Logger;
  redactor: Redactor;
  fetch?: typeof fetch;
}

export interface ApiResponse {
  method: string;
  /** `data` of the envelope (an object for every API used here). */
  data: JsonObject;
  /** The whole envelope as parsed. */
  body: JsonObject;
}

export class DoudianClient {
  /** Calls made (attempts, including retries): for tests and the run summary. */
  attempts = 0;

  constructor(private readonly options: ClientOptions) {}

  async call(path: string, params: object, accessToken: string | null): Promise<ApiResponse> {
    const {maxAttempts, logger, redactor} = this.options;
    const method = methodOf(path);
    for (let attempt = 1; ; attempt++) {
      await this.options.bucket.take();
      try {
        return await this.once(path, method, params, accessToken);
      } catch (error) {
        if (!(error instanceof DoudianApiError) || !error.retryable || attempt >= maxAttempts) throw error;
        const delay = backoffDelay(attempt, this.options.backoff);
        logger.warn(
          redactor.apply(
            `${method}: ${error.kind === "throttled" ? "throttled" : "transient failure"} (${error.platformMessage || error.code || "no response"}); ` +
              `retry ${attempt} of ${maxAttempts - 1} in ${(delay / 1000).toFixed(1)} s`,
          ),
        );
        await this.options.sleep(delay);
      }
    }
  }

  private async once(
    path: string,
    method: string,
    params: object,
    accessToken: string | null,
  ): Promise<ApiResponse> {
    const {appKey, appSecret, signMethod, redactor} = this.options;
    const paramJson = sortedJson(params);
    const timestamp = String(Math.floor(this.options.now().getTime() / 1000));
    const query = new URLSearchParams({
      app_key: appKey,
      method,
      v: "2",
      timestamp,
      sign_method: signMethod,
      sign: sign({appKey, appSecret, method, timestamp, paramJson}, signMethod),
    });
    if (accessToken) query.set("access_token", accessToken);
    const url = `${this.options.gateway}/${path.replace(/^\//, "")}?${query}`;
    this.attempts++;
    let status: number;
    let text: string;
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        method: "POST",
        headers: {
          "content-type": "application/json;charset=utf-8",
          accept: "application/json",
          "x-open-no-old-err-code": "1",
        },
        body: paramJson,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      // Never the error's own message: undici's may quote the URL (with the token).
      const cause = (error as {cause?: {code?: string}}).cause;
      const reason =
        (error as Error).name === "TimeoutError" ? "timed out" : (cause?.code ?? (error as Error).name);
      throw new DoudianApiError("transient", method, {
        code: null,
        subCode: null,
        msg: `network: ${reason}`,
        subMsg: null,
        httpStatus: 0,
      });
    }
    let body: JsonObject | null;
    try {
      body = asObject(parseLossless(text));
    } catch {
      body = null;
    }
    if (!body) {
      const kind = status === 429 ? "throttled" : status >= 500 || status < 400 ? "transient" : "request";
      throw new DoudianApiError(kind, method, {
        code: null,
        subCode: null,
        msg: `response is not a JSON envelope (${text.length} bytes)`,
        subMsg: null,
        httpStatus: status,
      });
    }
    const envelope = readEnvelope(body, status, redactor);
    if (envelope.code === SUCCESS_CODE && status < 400) {
      const data = asObject(body.data) ?? {};
      return {method, data, body};
    }
    throw new DoudianApiError(classify(envelope), method, envelope);
  }
}

/** The envelope's codes and messages; older APIs answer `{err_no, message}` with 0 for success. */
function readEnvelope(body: JsonObject, httpStatus: number, redactor: Redactor): Envelope {
  const text = (value: JsonValue | undefined) => {
    const t = textOf(value ?? null);
    return t === null ? null : redactor.apply(t);
  };
  const integer = (value: JsonValue | undefined) => {
    try {
      return integerText(value ?? null);
    } catch {
      return text(value);
    }
  };
  let code = integer(body.code);
  if (code === null && body.err_no !== undefined) {
    const legacy = integer(body.err_no);
    code = legacy === "0" ? SUCCESS_CODE : legacy;
  }
  return {
    code,
    subCode: text(body.sub_code),
    msg: text(body.msg) ?? text(body.message),
    subMsg: text(body.sub_msg),
    httpStatus,
  };
}
