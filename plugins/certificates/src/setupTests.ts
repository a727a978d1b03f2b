import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines have two cores shared by parallel suites; tables take a while to settle.
configure({ asyncUtilTimeout: 10000 });
jest.setTimeout(60000);
