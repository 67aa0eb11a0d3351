/**
 * SecretsPort: workspace variables (`$vars`) and secrets (`$secrets`). Secrets are handed only to
 * the step whose expressions read them.
 */
export interface SecretsPort {
  vars(): Promise<Record<string, string>>;
  secrets(): Promise<Record<string, string>>;
}
