// The sandboxed preload: builds the typed bridge on ipcRenderer and exposes only that object, as
// window.langlabIpc (the renderer unwraps its envelopes). ipcRenderer itself and any raw
// on(channel) never reach the page. esbuild bundles this into one CommonJS file (sandboxed
// preloads cannot load other files).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createIpcBridge } from './bridge-factory.ts';

// webUtils.getPathForFile tells where a File dropped on the window lives (a folder to classify).
contextBridge.exposeInMainWorld('langlabIpc', createIpcBridge(ipcRenderer, (file) => webUtils.getPathForFile(file as File)));
