"""Frequency tables for the customer generator.

The figures are approximations of public facts, rounded and written out
here by hand: surname counts of the 2010 US census (thousands of people,
the first fifty; a smooth decay after that), given-name shares of the
1990 census (per mille, the first fifty of each sex; a decay after that),
city populations (thousands, rounded) with their USPS state, the first
three digits of their ZIP codes and their area codes. Nothing here is a
copy of a published file.
"""

# (surname, weight): the first fifty are census counts in thousands;
# the rest carry weights that fall off the way the census counts do.
SURNAMES_TOP = [
    ("Smith", 2443),
    ("Johnson", 1933),
    ("Williams", 1625),
    ("Brown", 1437),
    ("Jones", 1425),
    ("Garcia", 1166),
    ("Miller", 1161),
    ("Davis", 1116),
    ("Rodriguez", 1095),
    ("Martinez", 1060),
    ("Hernandez", 1043),
    ("Lopez", 875),
    ("Gonzalez", 841),
    ("Wilson", 802),
    ("Anderson", 784),
    ("Thomas", 756),
    ("Taylor", 751),
    ("Moore", 724),
    ("Jackson", 708),
    ("Martin", 703),
    ("Lee", 693),
    ("Perez", 682),
    ("Thompson", 665),
    ("White", 660),
    ("Harris", 624),
    ("Sanchez", 613),
    ("Clark", 563),
    ("Ramirez", 557),
    ("Lewis", 532),
    ("Robinson", 530),
    ("Walker", 523),
    ("Young", 484),
    ("Allen", 483),
    ("King", 465),
    ("Wright", 459),
    ("Scott", 440),
    ("Torres", 438),
    ("Nguyen", 438),
    ("Hill", 435),
    ("Flores", 434),
    ("Green", 430),
    ("Adams", 428),
    ("Nelson", 425),
    ("Baker", 420),
    ("Hall", 407),
    ("Rivera", 391),
    ("Campbell", 386),
    ("Mitchell", 384),
    ("Carter", 377),
    ("Roberts", 377),
]

SURNAMES_NEXT = """
Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson
Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez
Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders
Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan
Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero
Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno
West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens
Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods
Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns
Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason
Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone
Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols
Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins
Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott
Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray
Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras
Willis Carpenter Lawrence Sandoval Guerrero George Chapman Rios Estrada
Ortega Watkins Greene Nunez Wheeler Valdez Harper Burke Larson Santiago
Maldonado Morrison Franklin Carlson Austin Dominguez Carr Lawson Jacobs
O'Brien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson
Gilbert Dean Sims Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett
Burton Fuller Wang Weber Welch Rojas Lucas Marquez Fields Park Yang Little
Banks Padilla Day Walsh Bowman Schultz Luna Fowler Mejia Davidson Acosta
Brewer May Holland Juarez Newman Pearson Curtis Cortez Douglas Schneider
Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley Hopkins
Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala
Lowe Frazier Powers Neal Leonard Gregory Carrillo Sutton Fleming Rhodes
Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel Moran
Parks Steele Vaughn Becker Holt DeLeon Barker Terry Hale Leon Hail Benson
Haynes Horton Miles Lyons Pham Graves Bush Thornton Wolfe Warner Cabrera
McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles
Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel
Simon Velasquez Hardy Higgins Aguirre Lin Cummings Chandler Sharp Barber
Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair O'Connor
Cardenas Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers
Serrano Fitzgerald Rosales Stevenson Christensen Manning Gill Curry McLaughlin
Harmon McGee Gross Doyle Garner Newton Burgess Reese Walton Blake Trujillo
Adkins Brady Goodman Roman Webster Goodwin Fischer Huang Potter Delacruz
Montoya Todd Wu Hines Mullins Castaneda Malone Cannon Tate Mack Sherman
Hubbard Hodges Zhang Guerra Wolf Valencia Saunders Franco Rowe Gallagher
Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton Schroeder
Maxwell Waters Logan Camacho Strickland Norman Person Colon Parsons Frank
Harrington Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler
Suarez Bowers Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar
McGuire Lloyd Mueller Hartman French Kramer McBride Pope Lindsey Velazquez
Norton McCormick Sparks Flynn Yates Hogan Marsh Macias Villanueva Zamora
Pratt Stokes Owen Ballard Lang Brock Villarreal Charles Drake Barrera Cain
Patrick Pineda Burnett Mercado Santana Shepherd Bautista Ali Shaffer Lamb
Trevino McKenzie Hess Beil Olsen Cochran Morton Nash Wilkins Petersen Briggs
Shah Roth Nicholson Holloway Lozano Rangel Flowers Hoover Short Arias Mora
Valenzuela Bryan Meyers Weiss Underwood Bass Greer Summers Houston Carson
Morrow Clayton Whitaker Decker Yoder Collier Zuniga Carey Wilcox Melendez
Poole Roberson Larsen Conley Davenport Copeland Massey Lam Huff Rocha
Cameron Jefferson Hood Monroe Anthony Pittman Huynh Randall Singleton Kirk
Combs Mathis Christian Skinner Bradford Richard Galvan Wall Boone Kirby
Wilkinson Bridges Bruce Atkinson Velez Meza Roy Vincent York Hodge Villa
Abbott Allison Tapia Gates Chase Sosa Sweeney Farrell Wyatt Dalton Horn
Barron Phelps Yu Dickerson Heath Foley Atkins Mathews Bonilla Acevedo
Benitez Zavala Hensley Glenn Cisneros Harrell Shields Rubio Huffman Choi
Boyer Garrison Arroyo Bond Kane Hancock Callahan Dillon Cline Wiggins
Grimes Arellano Melton O'Neill Savage Ho Beltran Pitts Parrish Ponce Rich
Booth Koch Golden Ware Brennan McDowell Marks Cantu Humphrey Baxter Sawyer
Clay Tanner Hutchinson Kaur Berg Wiley Gilmore Russo Villegas Hobbs Keith
Wilkerson Ahmed Beard McClain Montes Mata Rosario Vang Walter Henson Oneal
Mosley McClure Beasley Stephenson Snow Huerta Preston Vance Barry Johns
Eaton Blackwell Dyer Prince Macdonald Solomon Guevara Stafford English
Hurst Woodard Cortes Shannon Kemp Nolan McCullough Merritt Murillo Moon
Salgado Strong Kline Cordova Barajas Roach Rosas Winters Jacobson Lester
Knox Bullock Kerr Leach Meadows Orr Davila Whitehead Pruitt Kent Conway
McKee Barr David Dejesus Marin Berger McIntyre Blankenship Gaines Palacios
Cuevas Bartlett Durham Dorsey McCall O'Donnell Stein Browning Stout Lowery
Sloan McLean Hendricks Calhoun Sexton Chung Gentry Hull Duarte Ellison
Nielsen Gillespie Buck Middleton Sellers Leblanc Esparza Hardin Bradshaw
McIntosh Howe Livingston Frost Glass Morse Knapp Herman Stark Bravo Noble
Spears Weeks Corona Frederick Buckley McFarland Hebert Enriquez Hickman
Quintero Randolph Schaefer Walls Trejo House Reilly Pennington Michael
Conrad Giles Benjamin Crosby Fitzpatrick Donovan Mays Mahoney Valentine
Raymond Medrano Hahn McMillan Small Bentley Felix Peck Lucero Boyle Hanna
Pace Rush Hurley Harding McConnell Bernal Nava Ayers Everett Ventura Avery
Pugh Mayer Bender Shepard McMahon Landry Case Sampson Moses Magana
Blackburn Dunlap Gould Duffy Vaughan Herring McKay Espinosa Rivers Farley
Bernard Ashley Friedman Potts Truong Costa Correa Blevins Nixon Clements
Fry Delarosa Best Benton Lugo Portillo Dougherty Crane Haley Phan Villalobos
Blanchard Horne Finley Quintana Lynn Esquivel Bean Dodson Mullen Xiong
Hayden Cano Levy Huber Richmond Moyer Lim Frye Sheppard McCarty Avalos
Booker Waller Parra Woodward Jaramillo Krueger Rasmussen Brandt Peralta
Donaldson Stuart Faulkner Maynard Galindo Coffey Estes Sanford Burch Maddox
Vo O'Connell Vu Andersen Spence McPherson Church Schmitt Stanton Leal
Cherry Compton Dudley Sierra Pollard Alfaro Hester Proctor Lu Hinton Novak
Good Madden McCann Terrell Jarvis Dickson Reyna Cantrell Mayo Branch Hendrix
Rollins Rowland Whitney Duke Odom Daugherty Travis Tang Archer
""".split()

# Given names of men and women: the first fifty of each are per-mille
# shares of the 1990 census; the rest fall off from there.
MALE_TOP = [
    ("James", 33.2),
    ("John", 32.7),
    ("Robert", 31.4),
    ("Michael", 26.3),
    ("William", 24.5),
    ("David", 23.6),
    ("Richard", 17.0),
    ("Charles", 15.2),
    ("Joseph", 14.0),
    ("Thomas", 13.8),
    ("Christopher", 10.4),
    ("Daniel", 9.7),
    ("Paul", 9.5),
    ("Mark", 9.4),
    ("Donald", 9.3),
    ("George", 9.3),
    ("Kenneth", 8.3),
    ("Steven", 7.8),
    ("Edward", 7.8),
    ("Brian", 7.4),
    ("Ronald", 7.3),
    ("Anthony", 7.2),
    ("Kevin", 6.7),
    ("Jason", 6.6),
    ("Matthew", 6.6),
    ("Gary", 6.5),
    ("Timothy", 6.4),
    ("Jose", 6.1),
    ("Larry", 6.0),
    ("Jeffrey", 5.9),
    ("Frank", 5.8),
    ("Scott", 5.5),
    ("Eric", 5.4),
    ("Stephen", 5.4),
    ("Andrew", 5.4),
    ("Raymond", 4.9),
    ("Gregory", 4.4),
    ("Joshua", 4.4),
    ("Jerry", 4.3),
    ("Dennis", 4.2),
    ("Walter", 4.0),
    ("Patrick", 3.9),
    ("Peter", 3.8),
    ("Harold", 3.7),
    ("Douglas", 3.7),
    ("Henry", 3.7),
    ("Carl", 3.5),
    ("Arthur", 3.4),
    ("Ryan", 3.3),
    ("Roger", 3.2),
]

MALE_NEXT = """
Joe Juan Jack Albert Jonathan Justin Terry Gerald Keith Samuel Willie Ralph
Lawrence Nicholas Roy Benjamin Bruce Brandon Adam Harry Fred Wayne Billy
Steve Louis Jeremy Aaron Randy Howard Eugene Carlos Russell Bobby Victor
Martin Ernest Phillip Todd Jesse Craig Alan Shawn Clarence Sean Philip Chris
Johnny Earl Jimmy Antonio Danny Bryan Tony Luis Mike Stanley Leonard Nathan
Dale Manuel Rodney Curtis Norman Allen Marvin Vincent Glenn Jeffery Travis
Jeff Chad Jacob Lee Melvin Alfred Kyle Francis Bradley Jesus Herbert
Frederick Ray Joel Edwin Don Eddie Ricky Troy Randall Barry Alexander
Bernard Mario Leroy Francisco Marcus Micheal Theodore Clifford Miguel Oscar
Jay Jim Tom Calvin Alex Jon Ronnie Bill Lloyd Tommy Leon Derek Warren Darrell
Jerome Floyd Leo Alvin Tim Wesley Gordon Dean Greg Jorge Dustin Pedro Derrick
Dan Lewis Zachary Corey Herman Maurice Vernon Roberto Clyde Glen Hector Shane
Ricardo Sam Rick Lester Brent Ramon Charlie Tyler Gilbert Gene Marc Reginald
Ruben Brett Angel Nathaniel Rafael Leslie Edgar Milton Raul Ben Chester Cecil
Duane Franklin Andre Elmer Brad Gabriel Ron Mitchell Roland Arnold Harvey
Jared Adrian Karl Cory Claude Erik Darryl Jamie Neil Jessie Christian Javier
Fernando Clinton Ted Mathew Tyrone Darren Lonnie Lance Cody Julio Kelly Kurt
Allan Nelson Guy Clayton Hugh Max Dwayne Dwight Armando Felix Jimmie Everett
Jordan Ian Wallace Ken Bob Jaime Casey Alfredo Alberto Dave Ivan Johnnie
Sidney Byron Julian Isaac Morris Clifton Willard Daryl Ross Virgil Andy
Marshall Salvador Perry Kirk Sergio Marion Tracy Seth Kent Terrance Rene
Eduardo Terrence Enrique Freddie Wade Austin Stuart Fredrick Arturo Alejandro
Jackie Joey Nick Luther Wendell Jeremiah Evan Julius Dana Donnie Otis Shannon
Trevor Oliver Luke Homer Gerard Doug Kenny Hubert Angelo Shaun Lyle Matt Lynn
Alfonso Orlando Rex Carlton Ernesto Cameron Neal Pablo Lorenzo Omar Wilbur
Blake Grant Horace Roderick Kerry Abraham Willis Rickey Jean Ira Andres Cesar
Johnathan Malcolm Rudolph Damon Kelvin Rudy Preston Alton Archie Marco Wm
Pete Randolph Garry Geoffrey Jonathon Felipe Bennie Gerardo Ed Dominic Robin
Loren Delbert Colin Guillermo Earnest Lucas Benny Noel Spencer Rodolfo Myron
Edmund Garrett Salvatore Cedric Lowell Gregg Sherman Wilson Devin Sylvester
Kim Roosevelt Israel Jermaine Forrest Wilbert Leland Simon Guadalupe Clark
Irving Carroll Bryant Owen Rufus Woodrow Sammy Kristopher Mack Levi Marcos
Gustavo Jake Lionel Marty Taylor Ellis Dallas Gilberto Clint Nicolas Laurence
Ismael Orville Drew Jody Ervin Dewey Al Wilfred Josh Hugo Ignacio Caleb
Tomas Sheldon Erick Frankie Stewart Doyle Darrel Rogelio Terence Santiago
Alonzo Elias Bert Elbert Ramiro Conrad Pat Noah Grady Phil Cornelius Lamar
Rolando Clay Percy Dexter Bradford Merle Darin Amos Terrell Moses Irvin
Saul Roman Darnell Randal Tommie Timmy Darrin Winston Brendan Toby Van Abel
Dominick Boyd Courtney Jan Emilio Elijah Cary Domingo Santos Aubrey Emmett
Marlon Emanuel Jerald Edmond
""".split()

FEMALE_TOP = [
    ("Mary", 26.3),
    ("Patricia", 10.7),
    ("Linda", 10.4),
    ("Barbara", 9.8),
    ("Elizabeth", 9.4),
    ("Jennifer", 9.3),
    ("Maria", 8.3),
    ("Susan", 7.9),
    ("Margaret", 7.7),
    ("Dorothy", 7.3),
    ("Lisa", 7.0),
    ("Nancy", 6.7),
    ("Karen", 6.7),
    ("Betty", 6.7),
    ("Helen", 6.6),
    ("Sandra", 6.3),
    ("Donna", 5.8),
    ("Carol", 5.7),
    ("Ruth", 5.6),
    ("Sharon", 5.2),
    ("Michelle", 5.2),
    ("Laura", 5.1),
    ("Sarah", 5.1),
    ("Kimberly", 5.0),
    ("Deborah", 4.9),
    ("Jessica", 4.9),
    ("Shirley", 4.8),
    ("Cynthia", 4.7),
    ("Angela", 4.7),
    ("Melissa", 4.6),
    ("Brenda", 4.6),
    ("Amy", 4.5),
    ("Anna", 4.4),
    ("Rebecca", 4.3),
    ("Virginia", 4.3),
    ("Kathleen", 4.2),
    ("Pamela", 4.2),
    ("Martha", 4.1),
    ("Debra", 4.1),
    ("Amanda", 4.0),
    ("Stephanie", 4.0),
    ("Carolyn", 3.9),
    ("Christine", 3.8),
    ("Marie", 3.8),
    ("Janet", 3.8),
    ("Catherine", 3.7),
    ("Frances", 3.7),
    ("Ann", 3.7),
    ("Joyce", 3.6),
    ("Diane", 3.6),
]

FEMALE_NEXT = """
Alice Julie Heather Teresa Doris Gloria Evelyn Jean Cheryl Mildred Katherine
Joan Ashley Judith Rose Janice Kelly Nicole Judy Christina Kathy Theresa
Beverly Denise Tammy Irene Jane Lori Rachel Marilyn Andrea Kathryn Louise
Sara Anne Jacqueline Wanda Bonnie Julia Ruby Lois Tina Phyllis Norma Paula
Diana Annie Lillian Emily Robin Peggy Crystal Gladys Rita Dawn Connie
Florence Tracy Edna Tiffany Carmen Rosa Cindy Grace Wendy Victoria Edith Kim
Sherry Sylvia Josephine Thelma Shannon Sheila Ethel Ellen Elaine Marjorie
Carrie Charlotte Monica Esther Pauline Emma Juanita Anita Rhonda Hazel Amber
Eva Debbie April Leslie Clara Lucille Jamie Joanne Eleanor Valerie Danielle
Megan Alicia Suzanne Michele Gail Bertha Darlene Veronica Jill Erin Geraldine
Lauren Cathy Joann Lorraine Lynn Sally Regina Erica Beatrice Dolores Bernice
Audrey Yvonne Annette June Samantha Marion Dana Stacy Ana Renee Ida Vivian
Roberta Holly Brittany Melanie Loretta Yolanda Jeanette Laurie Katie Kristen
Vanessa Alma Sue Elsie Beth Jeanne Vicki Carla Tara Rosemary Eileen Terri
Gertrude Lucy Tonya Ella Stacey Wilma Gina Kristin Jessie Natalie Agnes Vera
Willie Charlene Bessie Delores Melinda Pearl Arlene Maureen Colleen Allison
Tamara Joy Georgia Constance Lillie Claudia Jackie Marcia Tanya Nellie
Minnie Marlene Heidi Glenda Lydia Viola Courtney Marian Stella Caroline Dora
Jo Vickie Mattie Terry Maxine Irma Mabel Marsha Myrtle Lena Christy Deanna
Patsy Hilda Gwendolyn Jennie Nora Margie Nina Cassandra Leah Penny Kay Priscilla
Naomi Carole Brandy Olga Billie Dianne Tracey Leona Jenny Felicia Sonia Miriam
Velma Becky Bobbie Violet Kristina Toni Misty Mae Shelly Daisy Ramona Sherri
Erika Katrina Claire Lindsey Lindsay Geneva Guadalupe Belinda Margarita
Sheryl Cora Faye Ada Natasha Sabrina Isabel Marguerite Hattie Harriet Molly
Cecilia Kristi Brandi Blanche Sandy Rosie Joanna Iris Eunice Angie Inez Lynda
Madeline Amelia Alberta Genevieve Monique Jodi Janie Maggie Kayla Sonya Jan
Lee Kristine Candace Fannie Maryann Opal Alison Yvette Melody Luz Susie Olivia
Flora Shelley Kristy Mamie Lula Lola Verna Beulah Antoinette Candice Juana
Jeannette Pam Kelli Hannah Whitney Bridget Karla Celia Latoya Patty Shelia
Gayle Della Vicky Lynne Sheri Marianne Kara Jacquelyn Erma Blanca Myra Leticia
Pat Krista Roxanne Angelica Johnnie Robyn Francis Adrienne Rosalie Alexandra
Brooke Bethany Sadie Bernadette Traci Jody Kendra Jasmine Nichole Rachael
Chelsea Mable Ernestine Muriel Marcella Elena Krystal Angelina Nadine Kari
Estelle Dianna Paulette Lora Mona Doreen Rosemarie Angel Desiree Antonia Hope
Ginger Janis Betsy Christie Freda Mercedes Meredith Lynette Teri Cristina
Eula Leigh Meghan Sophia Eloise
""".split()

# Cities customers live in: (city, state, ZIP prefixes, area codes,
# population in thousands).
CITIES = [
    (
        "New York",
        "NY",
        ["100", "101", "102", "103", "104"],
        ["212", "646", "917"],
        8300,
    ),
    ("Brooklyn", "NY", ["112"], ["718", "347"], 2600),
    ("Los Angeles", "CA", ["900", "910", "913"], ["213", "323", "310"], 3900),
    ("Chicago", "IL", ["606", "607", "608"], ["312", "773", "872"], 2700),
    ("Houston", "TX", ["770", "772"], ["713", "832", "281"], 2300),
    ("Phoenix", "AZ", ["850", "852"], ["602", "480", "623"], 1600),
    ("Philadelphia", "PA", ["191"], ["215", "267"], 1600),
    ("San Antonio", "TX", ["782"], ["210", "726"], 1450),
    ("San Diego", "CA", ["921"], ["619", "858"], 1390),
    ("Dallas", "TX", ["752", "753"], ["214", "972", "469"], 1300),
    ("San Jose", "CA", ["951"], ["408", "669"], 1000),
    ("Austin", "TX", ["787"], ["512", "737"], 960),
    ("Jacksonville", "FL", ["322"], ["904"], 950),
    ("Fort Worth", "TX", ["761"], ["817", "682"], 920),
    ("Columbus", "OH", ["432"], ["614", "380"], 900),
    ("Charlotte", "NC", ["282"], ["704", "980"], 870),
    ("Indianapolis", "IN", ["462"], ["317", "463"], 880),
    ("San Francisco", "CA", ["941"], ["415", "628"], 815),
    ("Seattle", "WA", ["981"], ["206"], 740),
    ("Denver", "CO", ["802"], ["303", "720"], 710),
    ("Washington", "DC", ["200"], ["202"], 690),
    ("Nashville", "TN", ["372"], ["615", "629"], 690),
    ("Oklahoma City", "OK", ["731"], ["405"], 690),
    ("El Paso", "TX", ["799"], ["915"], 680),
    ("Boston", "MA", ["021", "022"], ["617", "857"], 650),
    ("Portland", "OR", ["972"], ["503", "971"], 640),
    ("Las Vegas", "NV", ["891"], ["702", "725"], 650),
    ("Detroit", "MI", ["482"], ["313"], 630),
    ("Memphis", "TN", ["381"], ["901"], 630),
    ("Louisville", "KY", ["402"], ["502"], 620),
    ("Baltimore", "MD", ["212"], ["410", "443"], 580),
    ("Milwaukee", "WI", ["532"], ["414"], 570),
    ("Albuquerque", "NM", ["871"], ["505"], 560),
    ("Tucson", "AZ", ["857"], ["520"], 540),
    ("Fresno", "CA", ["937"], ["559"], 540),
    ("Sacramento", "CA", ["958"], ["916", "279"], 520),
    ("Kansas City", "MO", ["641"], ["816"], 510),
    ("Mesa", "AZ", ["852"], ["480"], 500),
    ("Atlanta", "GA", ["303"], ["404", "678", "470"], 500),
    ("Omaha", "NE", ["681"], ["402", "531"], 480),
    ("Colorado Springs", "CO", ["809"], ["719"], 480),
    ("Raleigh", "NC", ["276"], ["919", "984"], 470),
    ("Miami", "FL", ["331"], ["305", "786"], 440),
    ("Minneapolis", "MN", ["554"], ["612"], 430),
    ("Tulsa", "OK", ["741"], ["918"], 410),
    ("Bakersfield", "CA", ["933"], ["661"], 400),
    ("Wichita", "KS", ["672"], ["316"], 390),
    ("Arlington", "TX", ["760"], ["817", "682"], 390),
    ("Tampa", "FL", ["336"], ["813"], 390),
    ("New Orleans", "LA", ["701"], ["504"], 380),
    ("Cleveland", "OH", ["441"], ["216"], 370),
    ("Honolulu", "HI", ["968"], ["808"], 350),
    ("Riverside", "CA", ["925"], ["951"], 320),
    ("Lexington", "KY", ["405"], ["859"], 320),
    ("Pittsburgh", "PA", ["152"], ["412", "878"], 300),
    ("Cincinnati", "OH", ["452"], ["513"], 310),
    ("St. Louis", "MO", ["631"], ["314"], 300),
    ("Orlando", "FL", ["328"], ["407", "689"], 310),
    ("Anchorage", "AK", ["995"], ["907"], 290),
    ("Newark", "NJ", ["071"], ["973", "862"], 310),
    ("Toledo", "OH", ["436"], ["419", "567"], 270),
    ("Lincoln", "NE", ["685"], ["402", "531"], 290),
    ("Jersey City", "NJ", ["073"], ["201", "551"], 290),
    ("Fort Wayne", "IN", ["468"], ["260"], 265),
    ("Madison", "WI", ["537"], ["608"], 270),
    ("Reno", "NV", ["895"], ["775"], 265),
    ("Buffalo", "NY", ["142"], ["716"], 275),
    ("Boise", "ID", ["837"], ["208", "986"], 235),
    ("Spokane", "WA", ["992"], ["509"], 230),
    ("Richmond", "VA", ["232"], ["804"], 230),
    ("Birmingham", "AL", ["352"], ["205", "659"], 200),
    ("Des Moines", "IA", ["503"], ["515"], 215),
    ("Salt Lake City", "UT", ["841"], ["801", "385"], 200),
    ("Rochester", "NY", ["146"], ["585"], 210),
    ("Grand Rapids", "MI", ["495"], ["616"], 200),
    ("Tacoma", "WA", ["984"], ["253"], 220),
    ("Little Rock", "AR", ["722"], ["501"], 200),
    ("Knoxville", "TN", ["379"], ["865"], 190),
    ("Norfolk", "VA", ["235"], ["757"], 240),
    ("Savannah", "GA", ["314"], ["912"], 147),
    ("Charleston", "SC", ["294"], ["843", "854"], 150),
    ("Columbia", "SC", ["292"], ["803", "839"], 136),
    ("Dayton", "OH", ["454"], ["937", "326"], 137),
    ("Lansing", "MI", ["489"], ["517"], 112),
    ("Springfield", "IL", ["627"], ["217", "447"], 114),
    ("Sioux Falls", "SD", ["571"], ["605"], 190),
    ("Fargo", "ND", ["581"], ["701"], 125),
    ("Billings", "MT", ["591"], ["406"], 117),
    ("Cheyenne", "WY", ["820"], ["307"], 65),
    ("Hartford", "CT", ["061"], ["860", "959"], 121),
    ("Providence", "RI", ["029"], ["401"], 190),
    ("Manchester", "NH", ["031"], ["603"], 115),
    ("Portland", "ME", ["041"], ["207"], 68),
    ("Burlington", "VT", ["054"], ["802"], 45),
    ("Wilmington", "DE", ["198"], ["302"], 71),
    ("Albany", "NY", ["122"], ["518", "838"], 99),
    ("Jackson", "MS", ["392"], ["601", "769"], 150),
    ("Charleston", "WV", ["253"], ["304", "681"], 48),
    ("Baton Rouge", "LA", ["708"], ["225"], 225),
    ("San Juan", "PR", ["009"], ["787", "939"], 340),
]

STREET_NAMES = """
Main Oak Maple Cedar Elm Pine Washington Lake Hill Park Sunset Lincoln
Jackson Church Highland Ridge Meadow Forest River Spring Valley Mill Walnut
Cherry Willow Chestnut Hickory Birch Dogwood Magnolia Sycamore Aspen Juniper
Laurel Poplar Cypress Spruce Franklin Jefferson Madison Adams Monroe Wilson
Grant Center Market Broad Union College School Academy Railroad Depot Water
Front Bridge Harbor Bay Ocean Lakeview Hillcrest Fairview Pleasant Prospect
Summit Liberty Independence Heritage Country Farm Orchard Vineyard Garden
Rose Lilac Tulip Ivy Holly Clover Heather Primrose Juniper Sage Windsor
Cambridge Oxford Essex Kent Sussex Devon Chester Hampton Arlington Lexington
Concord Princeton Stanford Harvard Yale Dartmouth Colonial Heritage Pioneer
Frontier Ranch Canyon Mesa Sierra Vista Mountain Timber Stone Granite Quarry
Boulder Creekside Brookside Riverside Woodland Greenwood Oakwood Elmwood
Maplewood Pinewood Cedarwood Birchwood Briarwood Wildwood Kingston Belmont
Fremont Clinton Hamilton Lafayette Warren Marion Jefferson Cleveland
Roosevelt Kennedy Sherman Taylor Wood Locust Mulberry Peach Apple Plum
Pecan Palm Palmetto Bayshore Seaside Shoreline Driftwood Sandpiper Heron
Eagle Hawk Falcon Robin Cardinal Bluebird Deer Fox Bear Wolf Quail Pheasant
""".split()

# Ordinal street names, typed one way only: the address key does not
# unify "First" and "1st".
ORDINAL_STREETS = [
    "1st",
    "2nd",
    "3rd",
    "4th",
    "5th",
    "6th",
    "7th",
    "8th",
    "9th",
    "10th",
    "11th",
    "12th",
    "14th",
    "16th",
    "18th",
    "21st",
    "23rd",
    "27th",
    "31st",
    "42nd",
]

# Street suffixes as (weight, spellings as typed; the first is the full
# word). Every spelling here is one the address key folds to one form.
STREET_SUFFIXES = [
    (30, ["Street", "St", "St."]),
    (20, ["Avenue", "Ave", "Ave."]),
    (14, ["Drive", "Dr", "Dr."]),
    (12, ["Road", "Rd", "Rd."]),
    (8, ["Lane", "Ln", "Ln."]),
    (6, ["Court", "Ct", "Ct."]),
    (4, ["Boulevard", "Blvd", "Blvd."]),
    (5, ["Way"]),
    (4, ["Place", "Pl", "Pl."]),
    (3, ["Circle", "Cir", "Cir."]),
    (2, ["Trail", "Trl"]),
    (2, ["Parkway", "Pkwy"]),
]

DIRECTIONS = [
    ["North", "N", "N."],
    ["South", "S", "S."],
    ["East", "E", "E."],
    ["West", "W", "W."],
]

UNIT_DESIGNATORS = [["Apt", "Apartment", "#"], ["Suite", "Ste", "#"], ["Unit", "#"]]

# Trades and other lines of business a field-service firm's commercial
# customers are in, with weights.
TRADES = [
    ("Plumbing", 10),
    ("HVAC", 8),
    ("Electric", 8),
    ("Roofing", 7),
    ("Heating & Cooling", 5),
    ("Landscaping", 6),
    ("Construction", 8),
    ("Painting", 4),
    ("Property Management", 9),
    ("Realty", 6),
    ("Dental", 4),
    ("Auto Repair", 4),
    ("Restaurant", 4),
    ("Bakery", 2),
    ("Cleaning", 4),
    ("Pest Control", 3),
    ("Flooring", 3),
    ("Remodeling", 4),
    ("Pool Service", 2),
    ("Garage Doors", 2),
    ("Appliance Repair", 2),
    ("Veterinary Clinic", 2),
    ("Family Medicine", 2),
    ("Law Office", 2),
    ("Storage", 2),
    ("Apartments", 5),
    ("Fitness", 2),
    ("Salon", 2),
    ("Cafe", 2),
    ("Builders", 3),
]

BUSINESS_WORDS = """
Reliable Precision Premier Quality Superior Elite Pro Allied United American
Summit Pinnacle Advanced Apex Capital Coastal Metro Valley Mountain Golden
Liberty Patriot Heritage Evergreen Northstar Southern Western Eastern Central
Blue Sky Green Leaf Red Oak Silver Star Diamond Crown Keystone Cornerstone
Benchmark Frontier Pioneer Horizon Sunrise Lakeside Riverside Bayside
Parkview Hometown Neighborhood Family Classic Modern Express Rapid Budget
Affordable Trusted Honest Dependable Integrity First Choice Signature
""".split()

# Company suffixes as typed; the engine's match names drop all of them.
COMPANY_SUFFIXES = [
    ("Inc", 10),
    ("Inc.", 8),
    (", Inc.", 5),
    ("LLC", 20),
    (", LLC", 4),
    ("L.L.C.", 1),
    ("Co", 3),
    ("Co.", 3),
    ("Corp", 3),
    ("Corporation", 1),
    ("Company", 3),
    ("Ltd", 1),
    ("& Sons", 3),
    ("and Sons", 1),
]

EMAIL_PROVIDERS = [
    ("gmail.com", 38),
    ("yahoo.com", 12),
    ("hotmail.com", 7),
    ("outlook.com", 6),
    ("aol.com", 3),
    ("icloud.com", 5),
    ("comcast.net", 3),
    ("att.net", 2),
    ("verizon.net", 1),
    ("msn.com", 1),
    ("live.com", 1),
    ("sbcglobal.net", 1),
    ("cox.net", 1),
    ("me.com", 1),
    ("protonmail.com", 1),
]

# Syllables combined into the long tail of rarer surnames.
TAIL_STARTS = """
Ab Al Am An Ar As Ash Bal Bar Bel Ben Ber Bl Bo Bran Bre Bro Bur Cal Cam Car
Cas Cha Chr Cl Cor Cr Dal Dar Del Den Der Dor Dr Dun El Em Er Es Fal Far Fen
Fer Fl Gal Gar Gil Gl Gr Hal Han Har Has Hel Hen Her Hol Hor Hun Jar Jen Kal
Kar Kel Ken Ker Kin Kl Kr Lam Lan Lar Lau Lev Lin Lor Lud Mal Man Mar Mel Mer
Mil Mor Mur Nal Nor Ol Or Pal Par Pel Pem Per Pr Quin Ral Ram Ren Rich Rob
Ros Rud Sal Sam Sch Sel Sh Sim St Stan Str Tal Tan Tar Ter Th Tor Tr Val Van
Vel Ver Vin Wal War Wel Wes Wh Wil Win Wor Yar Zel Zim
""".split()

TAIL_MIDDLES = [
    "",
    "",
    "",
    "a",
    "e",
    "i",
    "o",
    "en",
    "er",
    "in",
    "ar",
    "ol",
    "and",
    "ing",
]

TAIL_ENDS = """
ton ford field ley man son berg stein ski wick wood worth ridge more well
land by ham ner ler dale cott ett ard ey er ell en ez ovich ian ino elli ini
sen strom quist haus mann hart ridge brook ton gate stead ville row burn
shaw ings lock ock ick ack am um ing ova ek ak as is os
""".split()
