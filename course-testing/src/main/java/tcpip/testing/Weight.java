package tcpip.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How much one graded check counts towards its exercise's points (default 1): a check that covers a whole behaviour
 * (every IPv6 row, every wrapped sequence number) weighs more than one that checks a detail, so that a mistake which
 * breaks the behaviour cannot keep most of the points. Points = POINTS x (weight of the passed checks / all weight).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Weight {

    /** The check's weight, at least 1. */
    int value();
}
