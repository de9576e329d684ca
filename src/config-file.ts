/** The pipeline config's file name in a pipeline folder (own module: finding it needs no YAML parser). */
export const CONFIG_FILE = 'config.yaml';
