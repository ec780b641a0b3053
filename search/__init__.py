"""Search across the portal: plan items, uploaded files, LKE questions and findings,
limited to what the person searching may see."""
