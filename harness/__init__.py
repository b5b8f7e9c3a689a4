"""microrig's harness: boots cases on engines and judges them (see README)."""
