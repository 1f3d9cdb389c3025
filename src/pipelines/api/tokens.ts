/**
 * Access tokens (domain.md §2.1 "Tokens"): created with `token.create` — from the shop ID for a
 * 自用型 app, from an authorisation code for a 工具型 app — and renewed with `token.refresh`
 * before they expire (7 days by default; the refresh token lasts 14).
 *
 * Stored in a JSON file outside the repository (default ~/.config/returnscope/doudian-tokens.json,
 * mode 0600, written to a temporary name and renamed), not in the warehouse: the warehouse file is
 * copied around — read-only by the dashboard build, attached to bug reports, backed up — and a
 * token in it would travel with every copy. The file holds nothing but tokens.
 */
import {chmod, mkdir, readFile, rename, rm, stat, writeFile} from "node:fs/promises";
import {dirname, join, basename} from "node:path";
import {randomBytes} from "node:crypto";
import {PipelineError} from "../errors.js";
import type {Logger} from "../logger.js";
import type {ApiResponse, DoudianClient} from "./client.js";
import {DoudianApiError} from "./errors.js";
import {idText, safeInteger, textOf} from "./json.js";
import {redact, type AppType, type Redactor} from "./settings.js";
import {beijingTime} from "./values.js";

export interface StoredToken {
  access_token: string;
  refresh_token: string;
  /** Unix seconds. */
  expires_at: number;
  refresh_expires_at: number;
  obtained_at: number;
  shop_id: string | null;
  shop_name: string | null;
  scope: string | null;
  authority_id: string | null;
}

interface TokenFileContent {
  version: 1;
  tokens: Record<string, StoredToken>;
}

const DEFAULT_ACCESS_SECONDS = 7 * 24 * 3600;
const REFRESH_SECONDS = 14 * 24 * 3600;

export class TokenStore {
  constructor(
    readonly path: string,
    private readonly logger?: Logger,
  ) {}

  private async read(): Promise<TokenFileContent> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {version: 1, tokens: {}};
      throw new PipelineError(`cannot read the token file: ${(error as NodeJS.ErrnoException).code}`, {
        file: this.path,
        step: "api",
      });
    }
    const {mode} = await stat(this.path);
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      await chmod(this.path, 0o600);
      this.logger?.warn(`${this.path} was readable by other users: permissions set to 0600`);
    }
    try {
      const content = JSON.parse(text) as TokenFileContent;
      if (content?.version !== 1 || typeof content.tokens !== "object") throw new Error("shape");
      return content;
    } catch {
      throw new PipelineError("the token file is not a Returnscope token file (delete it to start over)", {
        file: this.path,
        step: "api",
      });
    }
  }

  async load(key: string): Promise<StoredToken | null> {
    return (await this.read()).tokens[key] ?? null;
  }

  async save(key: string, token: StoredToken): Promise<void> {
    const content = await this.read();
    content.tokens[key] = token;
    await mkdir(dirname(this.path), {recursive: true, mode: 0o700});
    const temporary = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString("hex")}`);
    try {
      await writeFile(temporary, JSON.stringify(content, null, 2) + "\n", {mode: 0o600, flag: "wx"});
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, {force: true});
      throw error;
    }
  }
}

export interface TokenManagerOptions {
  client: DoudianClient;
  store: TokenStore;
  appKey: string;
  appType: AppType;
  shopId: string | null;
  authCode: string | null;
  now: () => Date;
  marginSeconds: number;
  logger: Logger;
  redactor: Redactor;
}

export class TokenManager {
  private current: StoredToken | null = null;
  private loaded = false;

  constructor(private readonly options: TokenManagerOptions) {}

  /** One token per app and shop; a 工具型 app without a configured shop keeps one per app. */
  get key(): string {
    return `${this.options.appKey}:${this.options.shopId ?? "authorised-shop"}`;
  }

  private nowSeconds(): number {
    return Math.floor(this.options.now().getTime() / 1000);
  }

  /** A token with more than the margin left: the stored one, refreshed, or newly created. */
  async accessToken(): Promise<string> {
    if (!this.loaded) {
      this.current = await this.options.store.load(this.key);
      this.loaded = true;
      if (this.current) this.options.redactor.add(this.current.access_token, this.current.refresh_token);
    }
    const now = this.nowSeconds();
    if (this.current && this.current.expires_at - this.options.marginSeconds > now)
      return this.current.access_token;
    return this.renew(this.current?.access_token ?? null);
  }

  /** After the platform rejected `rejected` (or it is about to expire): refresh, else create. */
  async renew(rejected: string | null): Promise<string> {
    if (this.current && rejected !== null && this.current.access_token !== rejected)
      return this.current.access_token;
    if (this.current && this.current.refresh_expires_at > this.nowSeconds()) {
      try {
        return await this.store(
          await this.options.client.call(
            "/token/refresh",
            {grant_type: "refresh_token", refresh_token: this.current.refresh_token},
            null,
          ),
          "refreshed",
        );
      } catch (error) {
        // A refresh token the platform no longer accepts: fall back to creating a token.
        if (
          !(error instanceof DoudianApiError) ||
          !["token", "request", "authorization"].includes(error.kind)
        )
          throw error;
        this.options.logger.warn(
          `token refresh refused (${error.code ?? "?"} ${error.subCode ?? ""}); creating a new token`,
        );
      }
    }
    return this.create();
  }

  private async create(): Promise<string> {
    const {appType, shopId, authCode} = this.options;
    let params: Record<string, string>;
    if (appType === "self") {
      if (!shopId)
        throw new PipelineError("DOUDIAN_SHOP_ID is needed to create a token for a 自用型 (self-use) app", {
          step: "api",
        });
      params = {code: "", grant_type: "authorization_self", shop_id: shopId};
    } else {
      if (!authCode)
        throw new PipelineError(
          "no valid token for this 工具型 (tool) app: authorise it for the shop in the 抖店 service market " +
            "(https://fuwu.jinritemai.com/authorize?service_id=…) and set DOUDIAN_AUTH_CODE to the code it returns",
          {step: "api"},
        );
      params = {code: authCode, grant_type: "authorization_code"};
    }
    return this.store(await this.options.client.call("/token/create", params, null), "created");
  }

  private async store(response: ApiResponse, verb: string): Promise<string> {
    const {data} = response;
    const access = textOf(data.access_token ?? null);
    const refresh = textOf(data.refresh_token ?? null);
    if (!access || !refresh)
      throw new DoudianApiError("request", response.method, {
        code: null,
        subCode: null,
        msg: "the response carries no access_token/refresh_token",
        subMsg: null,
        httpStatus: 200,
      });
    this.options.redactor.add(access, refresh);
    const shopId = idText(data.shop_id ?? null);
    if (this.options.shopId && shopId && shopId !== this.options.shopId)
      throw new PipelineError(
        `the token is for shop ${redact(shopId)}, not the configured DOUDIAN_SHOP_ID ${redact(this.options.shopId)}`,
        {step: "api"},
      );
    const now = this.nowSeconds();
    const token: StoredToken = {
      access_token: access,
      refresh_token: refresh,
      expires_at: now + (safeInteger(data.expires_in ?? null) ?? DEFAULT_ACCESS_SECONDS),
      refresh_expires_at: now + REFRESH_SECONDS,
      obtained_at: now,
      shop_id: shopId,
      shop_name: textOf(data.shop_name ?? null),
      scope: textOf(data.scope ?? null),
      authority_id: textOf(data.authority_id ?? null),
    };
    await this.options.store.save(this.key, token);
    this.current = token;
    this.loaded = true;
    this.options.logger.info(
      `access token ${verb} for shop ${redact(shopId ?? this.options.shopId)}; valid until ${beijingTime(token.expires_at)} (Beijing)`,
    );
    return token.access_token;
  }
}
