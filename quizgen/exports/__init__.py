"""The LMS exports: Moodle XML, GIFT, QTI and Anki, one module per format."""
