export interface Config {
  shiplog?: {
    /** Shared secrets of the webhook ingresses under /api/events/http/. */
    webhooks?: {
      harbor?: {
        /**
         * The value Harbor sends in its `Authorization` header (the webhook policy's "Auth Header";
         * `Bearer <secret>` is accepted too). Without it the Harbor ingress refuses everything.
         * @visibility secret
         */
        secret?: string;
      };
      argocd?: {
        /**
         * The value Argo CD notifications send in the `X-Shiplog-Secret` header.
         * Without it the Argo CD ingress refuses everything.
         * @visibility secret
         */
        secret?: string;
      };
    };
  };
}
