import { createRoot } from 'react-dom/client';
import { loadRuntimeConfig } from './api';
import { App } from './App';
import './styles.css';

const config = await loadRuntimeConfig();
createRoot(document.getElementById('root')!).render(<App config={config} />);
