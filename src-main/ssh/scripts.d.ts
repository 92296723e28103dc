// Remote scripts (src-main/ssh/scripts/*.sh) are bundled as text by Vite's `?raw` import.
declare module '*.sh?raw' {
  const text: string;
  export default text;
}
