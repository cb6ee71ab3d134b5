"""The team's own traffic: gateway spend logs and OpenRouter activity exports, next to the public board."""
