from sciatica_coach.cli.main import main

main()
