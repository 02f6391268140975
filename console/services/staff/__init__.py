"""Staff and what they may do: sign-in, the acting person (Actor), roles and permissions, the
supervisor's approval at a desk, database passwords in the keyring, and the audit trail
(recording and reading). Depends on core."""
