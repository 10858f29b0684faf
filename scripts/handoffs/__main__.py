from handoffs.cli.commands import main

main()
