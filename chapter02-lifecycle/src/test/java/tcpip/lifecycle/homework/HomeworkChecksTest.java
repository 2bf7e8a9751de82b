package tcpip.lifecycle.homework;

import org.junit.jupiter.api.Order;
import tcpip.testing.HomeworkChecks;

/** This chapter's homework checks: templates and wrong solutions fail, or grading (see HomeworkChecks). */
@Order(1) // starts first: one of the longest classes of this module (see the pom)
class HomeworkChecksTest extends HomeworkChecks {
}
