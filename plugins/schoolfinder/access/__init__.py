"""Access: quality seats within reach of every cell, and where the deserts are."""
