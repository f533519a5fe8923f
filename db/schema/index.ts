export * from './enums';
export * from './projects';
export * from './studies';
export * from './uploads';
export * from './models';
export * from './runs';
export * from './reviews';
export * from './audit';
