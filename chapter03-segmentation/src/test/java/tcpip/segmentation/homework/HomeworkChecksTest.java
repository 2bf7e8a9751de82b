package tcpip.segmentation.homework;

import tcpip.testing.HomeworkChecks;

/** This chapter's homework checks: templates and wrong solutions fail, or grading (see HomeworkChecks). */
class HomeworkChecksTest extends HomeworkChecks {
}
