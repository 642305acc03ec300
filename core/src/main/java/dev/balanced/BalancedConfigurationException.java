package dev.balanced;

/**
 * The configuration is wrong. Thrown at startup; the message names the setting, the offending value
 * (masked for passwords) and what was expected.
 */
public class BalancedConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BalancedConfigurationException(String message) {
    super(message);
  }

  public BalancedConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
