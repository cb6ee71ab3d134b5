"""Golden tasks, checks, providers, runner, results store and scores."""
