"""What the fake site, the bare server, the hub and the load generator share."""

from __future__ import annotations

ALIAS = "bench"
WP_USER = "bench"
WP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"  # an application password's shape (fake site)
MASTER_KEY = "bench-master-key-" + "Qx7Lm2Pz9KvR4tWn" * 2
POST_IDS = 100
