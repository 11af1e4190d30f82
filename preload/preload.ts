// The sandboxed preload: builds the typed bridge on ipcRenderer and exposes only that object, as
// window.langlabIpc (the renderer unwraps its envelopes). ipcRenderer itself and any raw
// on(channel) never reach the page. esbuild bundles this into one CommonJS file (sandboxed
// preloads cannot load other files).
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcBridge } from './bridge-factory.ts';

contextBridge.exposeInMainWorld('langlabIpc', createIpcBridge(ipcRenderer));
