"""Appeals: registering, reviewing, the topic catalogue and the appeals plugin."""
