from handoffs.cli import main

main()
