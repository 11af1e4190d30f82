// Electron's entry point (bundled by scripts/build-electron.mjs into out/electron/main.mjs).
import * as electron from 'electron';
import { startDesktopApp } from './desktop-app.ts';

startDesktopApp(electron, {
  bundleDir: import.meta.dirname,
  appRoot: electron.app.getAppPath(),
  resourcesPath: process.resourcesPath,
});
