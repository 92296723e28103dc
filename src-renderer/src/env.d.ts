import type { Api } from '@contract';

// window.api is defined by the preload (Electron) or by the test bridge (browser).
declare global {
  interface Window {
    readonly api: Api;
  }
}

export {};
