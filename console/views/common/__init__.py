"""What every window shares: the ViewContext, the task runner, plugin hosts, generic table models,
PDF preview and printing, the connection status."""
