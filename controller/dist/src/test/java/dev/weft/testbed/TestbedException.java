package dev.weft.testbed;

/** The testbed could not do what it was asked (the message says why, with the script's words). */
public final class TestbedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TestbedException(String message) {
    super(message);
  }

  public TestbedException(String message, Throwable cause) {
    super(message, cause);
  }
}
