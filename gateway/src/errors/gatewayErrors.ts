import type { ErrorDescription } from "@ihp/platform";

/**
 * The gateway's own stable codes (gateway/ERRORS.md), with the HTTP status a request refused for that reason gets.
 * Errors raised while resolving a field keep HTTP 200, as GraphQL results do; the status only applies when the
 * request never reached execution.
 */
export const GATEWAY_ERRORS = {
  GRAPHQL_PARSE_FAILED: {
    status: 400,
    en: "The request is not valid GraphQL.",
    zh: "请求不是有效的 GraphQL 语句。",
  },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    en: "The request does not match the API schema.",
    zh: "请求与接口定义不符。",
  },
  BAD_USER_INPUT: {
    status: 400,
    en: "Some of the values sent are not valid. Please check what you entered.",
    zh: "提交的部分数据无效，请检查填写的信息。",
  },
  QUERY_TOO_DEEP: {
    status: 400,
    en: "The query is nested too deeply.",
    zh: "查询的嵌套层级过深。",
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    en: "The query asks for too much at once. Please ask for less.",
    zh: "单次查询的内容过多，请减少请求的数据量。",
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    en: "The request is too large.",
    zh: "请求内容过大。",
  },
  BAD_REQUEST: {
    status: 400,
    en: "The request could not be read.",
    zh: "无法读取请求内容。",
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    en: "This request must be sent with POST.",
    zh: "此类请求须使用 POST 方式发送。",
  },
  PERSISTED_QUERY_NOT_FOUND: {
    status: 400,
    en: "The stored query this request names is not known here.",
    zh: "请求引用的预存查询不存在。",
  },
  PERSISTED_QUERY_REQUIRED: {
    status: 400,
    en: "Only stored queries are accepted here.",
    zh: "此处仅接受预存查询。",
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    en: "There is nothing at this address.",
    zh: "请求的地址不存在。",
  },
  REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    en: "The request headers are too large.",
    zh: "请求头过大。",
  },
  RATE_LIMITED: {
    status: 429,
    en: "Too many requests. Please wait a moment and try again.",
    zh: "请求过于频繁，请稍后再试。",
  },
  // The reporting service's code for the same refusal of a feed query, with the same texts: one code per concept for
  // clients, and createErrorCatalog refuses a code described two ways when the services' tables are merged in.
  JURISDICTION_NOT_ALLOWED: {
    status: 403,
    en: "You may only read the feed of your own jurisdiction.",
    zh: "您只能查看本辖区的监管数据。",
  },
  SERVICE_NOT_CONFIGURED: {
    status: 503,
    en: "This part of the platform is not available here.",
    zh: "本平台未开通此项服务。",
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    en: "This part of the platform is temporarily unavailable. Please try again shortly.",
    zh: "该项服务暂时不可用，请稍后再试。",
  },
  SUBSCRIPTION_OVERFLOW: {
    status: 503,
    en: "Updates arrived faster than they could be delivered. Please reconnect.",
    zh: "推送数据过多，订阅已中断，请重新连接。",
  },
} as const satisfies Record<string, ErrorDescription & { readonly status: number }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

export function gatewayErrorTexts(): Record<string, ErrorDescription> {
  return Object.fromEntries(Object.entries(GATEWAY_ERRORS).map(([code, { en, zh }]) => [code, { en, zh }]));
}
