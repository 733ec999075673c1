import { loadRuntimeConfig } from './config/runtime-config.js';
import './components/fleet-app.js';

const config = await loadRuntimeConfig();
const app = document.createElement('fleet-app');
app.config = config;
document.body.append(app);
