package dev.weft.testbed;

/** The testbed could not do what it was asked (the message says why, with the script's words). */
public final class TestbedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public TestbedException(String message) {
    this(message, 0);
  }

  /** {@code status}: the script's exit status (3: the prefix is in use by a live testbed). */
  public TestbedException(String message, int status) {
    super(message);
    this.status = status;
  }

  public TestbedException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The script's exit status, 0 if the error did not come from the script's exit status. */
  public int status() {
    return status;
  }

  /** The prefix belongs to another live testbed (or another operation on it is running). */
  public boolean prefixInUse() {
    return status == 3;
  }
}
