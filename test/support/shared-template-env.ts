/** The environment variable naming the file that holds the run's shared template (test/support/global-setup.ts). */
export const SHARED_TEMPLATE_ENV = 'MATCHCAST_TEST_TEMPLATE';
