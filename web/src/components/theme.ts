import { css } from 'lit';

/**
 * The colours of the app as custom properties on <fleet-app>; they inherit into every shadow
 * root below it. Dark follows the system unless the user picks one (data-theme on the host).
 * Text colours reach 4.5:1 on their backgrounds in both themes.
 */
export const THEME_CSS = css`
  :host {
    --fm-bg: #ffffff;
    --fm-surface: #ffffff;
    --fm-surface-alt: #f6f8fa;
    --fm-text: #1f2328;
    --fm-muted: #57606a;
    --fm-border: #d0d7de;
    --fm-border-strong: #6e7781;
    --fm-accent: #0969da;
    --fm-link: #0550ae;
    --fm-focus: #0969da;
    --fm-danger: #cf222e;
    --fm-selected: #ddf4ff;
    --fm-hover: #f3f4f6;
    --fm-header-bg: #24292f;
    --fm-header-text: #ffffff;
    --fm-map-bg: #f2efe9;
  }
  :host([data-theme='dark']) {
    --fm-bg: #0d1117;
    --fm-surface: #161b22;
    --fm-surface-alt: #1c2128;
    --fm-text: #e6edf3;
    --fm-muted: #9da7b3;
    --fm-border: #30363d;
    --fm-border-strong: #8b949e;
    --fm-accent: #1f6feb;
    --fm-link: #58a6ff;
    --fm-focus: #58a6ff;
    --fm-danger: #ff7b72;
    --fm-selected: #0c2d6b;
    --fm-hover: #1f242c;
    --fm-header-bg: #010409;
    --fm-header-text: #e6edf3;
    --fm-map-bg: #1b1f24;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
