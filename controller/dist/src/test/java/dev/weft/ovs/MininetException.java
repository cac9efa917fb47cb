package dev.weft.ovs;

/** The Mininet driver failed, answered with an error, or did not answer in time. */
public class MininetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MininetException(String message) {
    super(message);
  }

  public MininetException(String message, Throwable cause) {
    super(message, cause);
  }
}
