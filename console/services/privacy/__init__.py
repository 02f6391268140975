"""Personal data (152-ФЗ): passport, СНИЛС and birth date are sealed, found by a keyed hash and
revealed one record at a time, and every reveal is audited. Depends on core and staff."""
