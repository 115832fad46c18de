"""Citizen feedback (iHaNoi-style cases): routing, working-hour deadlines, transfers and
push-and-avoid detection, ratings, moderation, and the Open311 GeoReport v2 API."""
