from ekbist.commands.entry import main

main()
