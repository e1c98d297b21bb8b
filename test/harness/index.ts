export * from '@ocpsum/services';
